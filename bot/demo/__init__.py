"""``fieldbot demo``: the sandbox Bot API, the real bot on its own SQLite file with demo data,
and a web page to chat as a customer, an engineer and the managers' group side by side."""
