"""Live updates over Socket.IO."""

from pydantic import PositiveInt

from config.fields import Group, setting


class RealtimeSettings(Group):
    """The Socket.IO endpoint and its replay ([REALTIME.md](REALTIME.md)); its events
    travel on a Redis stream with `REDIS_URL`, in process without."""

    title = "Real-time"

    REALTIME_REPLAY_SECONDS: PositiveInt = setting(
        300, "how long events are kept for clients that reconnect with their last event id"
    )
