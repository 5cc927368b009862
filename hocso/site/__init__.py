"""The top of the web application: home page and dashboards, the navigation menu, the root URLs (`urls.py`) and the
API (`api.py`, mounting each app's router). It may import every app below it; only `demo` sits above it."""
