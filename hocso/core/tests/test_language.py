from django.conf import settings


def test_pages_are_vietnamese_even_for_an_english_browser(client, db):
    response = client.get("/dang-nhap/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    html = response.content.decode()
    assert 'lang="vi"' in html and "Đăng nhập" in html
    assert response["Content-Language"] == "vi"


def test_language_switch_gives_english_pages(client, db):
    response = client.post("/ngon-ngu/", {"language": "en", "next": "/dang-nhap/"})
    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    html = client.get("/dang-nhap/").content.decode()
    assert 'lang="en"' in html and "Sign in" in html


def test_api_clients_may_ask_for_english(client, db):
    response = client.get("/api/v1/units", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 401
    assert response["Content-Language"] == "en"
    vietnamese = client.get("/api/v1/units")
    assert vietnamese["Content-Language"] == "vi"
    assert vietnamese.json()["error"]["message"] != response.json()["error"]["message"]
