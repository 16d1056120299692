// Debian's node-typescript has no @types/node: these are the Node.js names a contest program uses.
declare var require: (id: string) => any;
declare var module: { exports: any };
declare var process: any;
declare var Buffer: any;
declare var __dirname: string;
