def test_health_route_exists():
    from config.urls import urlpatterns

    assert any(str(p.pattern) == "health" for p in urlpatterns)
