// The contest socket: a snapshot, then sequenced envelopes; on a drop it reconnects with backoff
// and `?since=<last seq>`, so the hub sends exactly what was missed (or a fresh snapshot). A hub
// that stops closes with 1012: reconnect at once (no backoff), with the same `?since=`.
import { h } from "./dom";
import type { ContestEvent, Snapshot } from "./protocol";

export type LiveState = "connecting" | "live" | "reconnecting" | "resynced" | "closed";

export interface LiveHandlers {
  snapshot(snap: Snapshot): void;
  event(body: ContestEvent, seq: number): void;
  closed?(reason: string): void;
}

const REFUSALS: Record<number, string> = {
  4401: "Log in to follow this contest live.",
  4403: "Register for this contest to follow it live.",
  4404: "This contest does not exist.",
};
const PING_MS = 25_000;
const MAX_BACKOFF_MS = 10_000;
// 1012 "service restart": the hub is stopping (an upgrade); another one takes the socket at once.
// The reconnects of a hub's sockets are spread over this window rather than all in one instant.
const RESTART_CLOSE = 1012;
const RESTART_SPREAD_MS = 1_000;

export class LiveSocket {
  lastSeq = -1;
  state: LiveState = "connecting";
  private socket: WebSocket | null = null;
  private attempt = 0;
  private stopped = false;
  private timers: number[] = [];
  private listeners = new Set<(state: LiveState) => void>();

  constructor(
    private readonly path: string,
    private readonly handlers: LiveHandlers,
  ) {}

  start(): this {
    this.open();
    return this;
  }

  stop(): void {
    this.stopped = true;
    this.timers.forEach((t) => clearTimeout(t));
    this.socket?.close(1000);
  }

  onState(listener: (state: LiveState) => void): void {
    this.listeners.add(listener);
    listener(this.state);
  }

  private setState(state: LiveState): void {
    this.state = state;
    this.listeners.forEach((l) => l(state));
  }

  private open(): void {
    const scheme = location.protocol === "https:" ? "wss" : "ws";
    const since = this.lastSeq >= 0 ? `?since=${this.lastSeq}` : "";
    const socket = new WebSocket(`${scheme}://${location.host}${this.path}${since}`);
    this.socket = socket;
    const reconnecting = this.attempt > 0;
    let ping = 0;
    socket.onopen = () => {
      this.attempt = 0;
      this.setState(reconnecting ? "resynced" : "live");
      if (reconnecting) this.timers.push(window.setTimeout(() => this.state === "resynced" && this.setState("live"), 3000));
      ping = window.setInterval(() => socket.readyState === WebSocket.OPEN && socket.send('{"kind":"ping"}'), PING_MS);
    };
    socket.onmessage = (message) => this.receive(String(message.data));
    socket.onclose = (event) => {
      clearInterval(ping);
      if (this.stopped) return;
      const refusal = REFUSALS[event.code];
      if (refusal) {
        this.setState("closed");
        this.handlers.closed?.(refusal);
        return;
      }
      this.setState("reconnecting");
      const restart = event.code === RESTART_CLOSE && this.attempt === 0;
      const delay = restart
        ? Math.random() * RESTART_SPREAD_MS
        : Math.min(MAX_BACKOFF_MS, 500 * 2 ** this.attempt) * (0.75 + Math.random() / 2);
      this.attempt += 1;
      this.timers.push(window.setTimeout(() => this.open(), delay));
    };
  }

  private receive(text: string): void {
    let data: { kind?: string; seq?: number; body?: ContestEvent };
    try {
      data = JSON.parse(text);
    } catch {
      return;
    }
    // The answer to the keep-alive ping: it only proves the line is up, so nothing to show.
    if (data.kind === "pong") return;
    if (data.kind === "snapshot") {
      const snap = data as unknown as Snapshot;
      // Also mid-stream: the hub resyncs a client that fell behind with a fresh snapshot.
      this.lastSeq = snap.seq;
      this.handlers.snapshot(snap);
      return;
    }
    if (typeof data.seq === "number" && data.body) {
      if (data.seq <= this.lastSeq) return; // already covered by a snapshot or seen
      this.lastSeq = data.seq;
      this.handlers.event(data.body, data.seq);
    }
  }
}

/** The connection badge: live / reconnecting / resynced, in words and colour. */
export function stateBadge(live: LiveSocket): HTMLElement {
  const badge = h("span", { class: "conn", role: "status", "aria-live": "polite", "data-testid": "conn" });
  const words: Record<LiveState, string> = {
    connecting: "connecting…",
    live: "live",
    reconnecting: "reconnecting…",
    resynced: "resynced",
    closed: "offline",
  };
  live.onState((state) => {
    badge.className = `conn conn-${state}`;
    badge.textContent = words[state];
    badge.dataset.state = state;
  });
  return badge;
}
