async def test_health(aiohttp_client):
    from aiohttpdemo_polls.main import init_app

    client = await aiohttp_client(await init_app())
    resp = await client.get("/health")
    assert resp.status == 200
