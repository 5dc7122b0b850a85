"""The figures behind the dashboards: who is in view, what they did, what it cost."""
