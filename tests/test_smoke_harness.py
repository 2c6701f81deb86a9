from tests.support import sign_in


def test_home_page_lists_member_academies(client, academy):
    response = client.get("/", headers={"Accept-Language": "en"})
    assert response.status_code == 200
    assert "Centre for Prison Studies" in response.get_data(as_text=True)


def test_trainee_signs_in_with_username(client, trainee):
    response = sign_in(client, "maria.lopez")
    assert response.status_code == 302
    page = client.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "María López Fernández" in page
