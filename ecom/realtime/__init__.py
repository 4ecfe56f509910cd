"""Live updates over Socket.IO: domain events announced to the customers and staff they
concern, replayed to a client that reconnects (docs/REALTIME.md)."""
