app_name = "heritage"

urlpatterns = []
