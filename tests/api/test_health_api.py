from flask.testing import FlaskClient


def test_livez_and_readyz(client: FlaskClient) -> None:
    assert client.get("/livez").get_json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200
    body = ready.get_json()
    assert (body["status"], body["articles"]) == ("ready", 300)
    assert body["store"] == {"backend": "sqlite", "reachable": True, "schema_version": 1}
    assert body["index"]["articles"] == 300
    assert body["index"]["pending"] == 0


def test_version_reports_corpus_size_and_generation(client: FlaskClient) -> None:
    body = client.get("/version").get_json()
    assert body["articles"] == 300
    assert body["version"] == "1.0.0"
    assert isinstance(body["generation"], int)


def test_docs_are_served_without_a_cdn(client: FlaskClient) -> None:
    page = client.get("/docs")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'src="docs-assets/swagger-ui-bundle.js"' in html  # relative: works under a prefix
    assert "cdn" not in html.lower()
    asset = client.get("/docs-assets/swagger-ui-bundle.js")
    assert asset.status_code == 200
    asset.close()
