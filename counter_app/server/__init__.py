"""The central server (FastAPI): auth, devices, the shared queue. Never imports Textual.

`create_app(settings)` lives in `counter_app.server.app`.
"""
