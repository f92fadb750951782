urlpatterns = []
app_name = "sentirec"
