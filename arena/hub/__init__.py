"""The contest hub: a stateless Starlette app serving the HTTP API and WebSocket sessions."""
