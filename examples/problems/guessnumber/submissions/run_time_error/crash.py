print(500, flush=True)
reply = input()
raise SystemExit(f"giving up after {reply!r}")
