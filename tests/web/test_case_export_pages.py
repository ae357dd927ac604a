"""Downloading a case: ask, watch it (htmx or a refresh link), fetch it; each download its asker's (E4)."""

from __future__ import annotations

import io
import json
import zipfile

from decided_case import decide, proposed
from dispute_world import World
from sqlalchemy import select

from webapp.core.extensions import db
from webapp.exports.models import CaseExport, ExportStatus
from webapp.jobs.queue import JOBS

HTMX = {"HX-Request": "true"}


def decided(world: World):
    dispute = proposed(world)
    decide(world, dispute)
    return dispute


def newest_export() -> CaseExport:
    db.session.expire_all()
    return db.session.scalars(select(CaseExport).order_by(CaseExport.id.desc())).first()


def test_the_dispute_page_links_to_the_download_page_which_says_what_each_person_gets(
    client, auth, world: World
):
    dispute = decided(world)
    auth.login_as(world.seller)
    assert f'href="/disputes/{dispute.id}/export"' in client.get(f"/disputes/{dispute.id}").get_data(
        as_text=True
    )
    for headers in ({}, HTMX):
        page = client.get(f"/disputes/{dispute.id}/export", headers=headers).get_data(as_text=True)
        assert "copies rebuilt from pixels" in page and "Prepare a download" in page
    auth.login_as(world.mediator)
    assert "removed items included" in client.get(f"/disputes/{dispute.id}/export").get_data(as_text=True)


def test_asking_without_javascript_goes_back_to_the_page_which_offers_the_zip(client, auth, world: World):
    dispute = decided(world)
    auth.login_as(world.buyer)
    response = client.post(f"/disputes/{dispute.id}/exports")
    assert (response.status_code, response.location) == (303, f"/disputes/{dispute.id}/export")
    page = client.get(response.location).get_data(as_text=True)
    export = newest_export()
    assert "The download is being prepared" in page
    assert f'href="/exports/{export.uuid}/download"' in page and "every 1s" not in page
    zip_response = client.get(f"/exports/{export.uuid}/download")
    assert zip_response.status_code == 200 and zip_response.mimetype == "application/zip"
    assert zip_response.headers["Cache-Control"] == "private, no-store"
    assert zip_response.headers["Content-Disposition"].startswith("attachment;")
    with zipfile.ZipFile(io.BytesIO(zip_response.get_data())) as archive:
        assert json.loads(archive.read("manifest.json"))["exported_for"]["role"] == "buyer"
    zip_response.close()


def test_asking_with_htmx_answers_with_the_list_and_a_running_download_polls_until_it_ends(
    client, auth, world: World, monkeypatch
):
    dispute = decided(world)
    build = JOBS["exports.build"]
    monkeypatch.setitem(JOBS, "exports.build", lambda export_id: None)  # the worker has not started yet
    auth.login_as(world.mediator)
    response = client.post(f"/disputes/{dispute.id}/exports", headers=HTMX)
    export = newest_export()
    fragment = response.get_data(as_text=True)
    assert fragment.startswith('<section id="case-exports"') and "HX-Request" in response.headers["Vary"]
    assert f'hx-get="/exports/{export.uuid}"' in fragment and 'hx-trigger="every 1s"' in fragment
    assert "Waiting to start" in fragment and "Refresh" in fragment  # the link for a page without JS
    polled = client.get(f"/exports/{export.uuid}", headers=HTMX).get_data(as_text=True)
    assert polled.startswith(f'<li id="export-{export.uuid}"') and "every 1s" in polled
    assert client.get(f"/exports/{export.uuid}/download").status_code == 409  # not ready: said in words
    build(export.id)
    done = client.get(f"/exports/{export.uuid}", headers=HTMX).get_data(as_text=True)
    assert "hx-trigger" not in done and "Download the ZIP" in done  # the poll stops here
    plain = client.get(f"/exports/{export.uuid}")
    assert (plain.status_code, plain.location) == (303, f"/disputes/{dispute.id}/export")


def test_a_download_is_its_askers_alone_and_a_failed_one_says_why(client, auth, world: World):
    dispute = decided(world)
    auth.login_as(world.seller)
    client.post(f"/disputes/{dispute.id}/exports")
    export = newest_export()
    for other in (world.buyer, world.mediator, world.outsider):
        auth.login_as(other)
        for headers in ({}, HTMX):
            assert client.get(f"/exports/{export.uuid}/download", headers=headers).status_code == 404
            assert client.get(f"/exports/{export.uuid}", headers=headers).status_code == 404
    auth.login_as(world.outsider)
    assert client.get(f"/disputes/{dispute.id}/export").status_code == 404
    assert client.post(f"/disputes/{dispute.id}/exports").status_code == 404
    export.status, export.failure_reason = ExportStatus.FAILED, "a stored file could not be read."
    db.session.commit()
    auth.login_as(world.seller)
    refused = client.get(f"/exports/{export.uuid}/download")
    assert refused.status_code == 409
    assert "could not be made: a stored file could not be read. Ask for a new one." in refused.get_data(
        as_text=True
    )
    page = client.get(f"/disputes/{dispute.id}/export", headers=HTMX).get_data(as_text=True)
    assert 'role="alert"' in page and "a stored file could not be read." in page
