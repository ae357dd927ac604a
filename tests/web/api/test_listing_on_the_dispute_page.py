"""The listing snapshot beside the dispute ("what was promised"), its photos behind the access check."""

from __future__ import annotations

from api_helpers import Api

from webapp.accounts.models import User
from webapp.core.extensions import db


def test_the_parties_see_what_was_promised_and_an_outsider_gets_404(client, auth, make_user, api: Api):
    api.people_and_order()
    dispute = api.open_dispute()
    buyer = db.session.scalar(db.select(User).where(User.external_id == "b-1"))
    auth.login_as(buyer)
    page = client.get(f"/disputes/{dispute['id']}").get_data(as_text=True)
    assert "What was promised" in page and "Hand-made, 1 litre, blue glaze." in page and "colour" in page
    photo = client.get(f"/disputes/{dispute['id']}/listing/1")
    assert photo.status_code == 200 and photo.mimetype == "image/jpeg" and photo.data[:2] == b"\xff\xd8"
    photo.close()
    assert client.get(f"/disputes/{dispute['id']}/listing/2").status_code == 404
    auth.login_as(make_user("buyer"))
    assert client.get(f"/disputes/{dispute['id']}/listing/1").status_code == 404
