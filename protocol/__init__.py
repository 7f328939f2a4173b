"""protocol: what both ends of cunneng share — the pages and headless clients on one side, the server on the other.

The wire's words and messages (wire.json, words.py, messages.py: docs/protocol.md), the rules
of the data both sides check (the citizen ID number) and the asyncio helpers both run on.
A client imports this and the server's HTTP/WebSocket API, never the server itself.
"""
