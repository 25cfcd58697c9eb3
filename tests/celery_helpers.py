"""Point the Celery app at a broker for a while: one that is down, or the real one."""

from contextlib import contextmanager

from config.celery_app import app

# Nothing listens there: every connection is refused at once, as with a stopped Redis.
CLOSED_BROKER = "redis://127.0.0.1:1/0"


@contextmanager
def celery_broker(url, *, eager=False):
    """Publish to ``url`` (``None``: the configured broker) without eager mode, then restore.

    ``broker_write_url`` is what publishing uses; ``broker_url`` itself always prefers the
    CELERY_BROKER_URL environment variable, so it cannot be switched here."""
    conf = app.conf
    saved = {
        "task_always_eager": conf.task_always_eager,
        "broker_write_url": conf.get("broker_write_url"),
    }
    saved_pools = (app._pool, app.amqp._producer_pool)
    conf.task_always_eager = eager
    conf.broker_write_url = url
    app._pool = app.amqp._producer_pool = None  # connections are made for the new address
    try:
        yield
    finally:
        # Not closed: kombu keeps one pool per address for the process, and a closed one would
        # refuse the next test. A pool for a port nothing listens on holds no connection.
        conf.update(saved)
        app._pool, app.amqp._producer_pool = saved_pools


def broker_down():
    """The broker is down: publishing is refused, nothing runs eagerly."""
    return celery_broker(CLOSED_BROKER)
