"""A person's language through the API (issue 11, item 17): a locale sent is a choice; none is null."""

from __future__ import annotations

from api_helpers import Api


def test_a_marketplace_may_choose_for_a_person_and_null_means_not_chosen(api: Api):
    """The API keeps taking a locale (a choice); without one the person has none and the output says null."""
    person = {"role": "buyer", "name": "Ann", "email": "ann@shop.example"}
    assert api.put("/users/b-1", person).json["locale"] is None
    assert api.put("/users/b-1", {**person, "locale": "ru-RU"}).json["locale"] == "ru-RU"
    assert api.put("/users/b-1", {**person, "locale": None}).json["locale"] is None
    schema = api.get("/openapi.json").json["components"]["schemas"]["PersonOut"]["properties"]["locale"]
    assert schema.get("nullable") or "null" in schema.get("type", [])
