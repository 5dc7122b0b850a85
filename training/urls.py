"""Training URLs; each feature area adds its own ``path()`` block here."""

app_name = "training"

urlpatterns = []
