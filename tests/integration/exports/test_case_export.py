"""A case's ZIP: what each person gets, a manifest matching its files, a job that may run twice or fail."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from datetime import timedelta
from pathlib import Path

from decided_case import decide, items, proposed
from dispute_world import World
from PIL import ImageFile
from sqlalchemy import select

from webapp.core.clock import real_now
from webapp.core.extensions import db
from webapp.core.storage import storage
from webapp.evidence.models import EvidenceItem
from webapp.exports.building import build_export
from webapp.exports.models import CaseExport, ExportStatus
from webapp.exports.services import request_export, sweep
from webapp.history.chain import GENESIS, seal
from webapp.history.models import Event, Notification
from webapp.jobs.queue import JOBS
from webapp.orders.listing import PhotoUpload, take_snapshot

LISTING = {
    "title": "Blue teapot",
    "description": "Porcelain, 1 litre.",
    "attributes": {"colour": "blue"},
    "price": "45.00",
    "shipping": "5.00",
    "currency": "USD",
}


def listed_and_decided(world: World):
    from PIL import Image

    photo = io.BytesIO()
    Image.new("RGB", (8, 8), "blue").save(photo, "PNG")
    photo.seek(0)
    paid = real_now() - timedelta(days=40)
    take_snapshot(world.order.id, LISTING, [PhotoUpload("teapot.png", photo)], paid)
    db.session.commit()
    dispute = proposed(world)
    decide(world, dispute)
    return dispute


def export_for(user, dispute) -> CaseExport:
    """Ask, commit (the eager job builds it right then), and read the row afresh."""
    export = request_export(user, dispute.id, real_now())
    db.session.commit()
    db.session.expire_all()
    return db.session.get_one(CaseExport, export.id)


def unzip(export: CaseExport) -> dict[str, bytes]:
    with storage().open(export.storage_key) as stream, zipfile.ZipFile(io.BytesIO(stream.read())) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_e3_the_mediators_zip_has_every_original_and_a_manifest_whose_hashes_match_its_files(world: World):
    dispute = listed_and_decided(world)
    export = export_for(world.mediator, dispute)
    assert (export.status, export.failure_reason) == (ExportStatus.READY, "")
    files = unzip(export)
    manifest = json.loads(files.pop("manifest.json"))
    listed = {f["path"]: f["sha256"] for f in manifest["files"]}
    assert listed == {name: sha(data) for name, data in files.items()}
    with storage().open(export.storage_key) as stored:
        assert export.sha256 == sha(stored.read())
    # Every original, the removed one too (E2), byte for byte.
    originals = {sha(data) for name, data in files.items() if name.startswith("evidence/")}
    assert originals == {item.sha256 for item in items(dispute)}
    assert len([n for n in files if n.startswith("listing/")]) == 2  # listing.json and its photo
    assert files["summary.pdf"].startswith(b"%PDF")
    assert ImageFile.LOAD_TRUNCATED_IMAGES is False  # WeasyPrint's import turns it on; E1 needs it off
    assert "Evidence the decision was taken on" in files["summary.html"].decode()
    # The history is the whole chain, and its last seal is the manifest's.
    events = json.loads(files["history.json"])["events"]
    previous = GENESIS
    for event in events:
        fields = {k: v for k, v in event.items() if k != "hash"}
        fields["at"] = db.session.scalar(select(Event.at).where(Event.hash == event["hash"]))
        assert (event["prev_hash"], seal(dispute_id=dispute.id, **fields)) == (previous, event["hash"])
        previous = event["hash"]
    assert manifest["history"]["last_event_sha256"] == previous == events[-1]["hash"]
    assert events[-1]["action"] == "case_exported"


def test_e2_e3_a_partys_zip_has_its_own_originals_and_only_copies_of_what_it_sees_of_the_other(world: World):
    dispute = listed_and_decided(world)
    buyer_photo, seller_removed = items(dispute)
    buyer_zip = unzip(export_for(world.buyer, dispute))
    evidence = {name: data for name, data in buyer_zip.items() if name.startswith("evidence/")}
    assert [sha(data) for data in evidence.values()] == [buyer_photo.sha256]  # its own original only
    assert seller_removed.sha256 not in json.loads(buyer_zip["manifest.json"])["files"].__repr__()
    seller_zip = unzip(export_for(world.seller, dispute))
    evidence = {name: data for name, data in seller_zip.items() if name.startswith("evidence/")}
    [(name, data)] = evidence.items()  # the buyer's photo as a copy; its own removed photo is gone (E2)
    assert name.endswith("-copy.webp") and sha(data) != buyer_photo.sha256
    assert buyer_photo.sha256 not in {sha(d) for d in seller_zip.values()}
    assert json.loads(seller_zip["manifest.json"])["exported_for"]["role"] == "seller"


def test_asking_is_in_the_history_tells_nobody_and_a_second_click_waits_for_the_first(
    world: World, monkeypatch
):
    dispute = listed_and_decided(world)
    monkeypatch.setitem(JOBS, "exports.build", lambda export_id: None)  # no worker: it stays queued
    first = request_export(world.seller, dispute.id, real_now())
    db.session.commit()
    again = request_export(world.seller, dispute.id, real_now())
    db.session.commit()
    assert again.id == first.id and first.status is ExportStatus.QUEUED
    [event] = db.session.scalars(select(Event).where(Event.action == "case_exported")).all()
    assert event.summary == "The seller downloaded the case as a ZIP."
    assert db.session.scalars(select(Notification).where(Notification.event_id == event.id)).all() == []


def test_the_job_run_twice_is_harmless(world: World):
    dispute = listed_and_decided(world)
    export = export_for(world.mediator, dispute)
    key = export.storage_key
    assert build_export(export.id) is ExportStatus.READY
    db.session.expire_all()
    again = db.session.get_one(CaseExport, export.id)
    assert (again.attempts, again.storage_key, again.status) == (1, key, ExportStatus.READY)


def test_a_file_that_no_longer_matches_its_sha256_fails_the_job_with_words(world: World):
    dispute = listed_and_decided(world)
    photo = items(dispute)[0]
    Path(storage().path_for(photo.storage_key)).write_bytes(b"not the photo that was uploaded")
    export = export_for(world.mediator, dispute)
    assert export.status is ExportStatus.FAILED and export.finished_at is not None
    assert "no longer matches the SHA-256 recorded when it was added" in export.failure_reason
    assert export.storage_key == ""


def test_a_missing_file_fails_the_job_with_words(world: World):
    dispute = listed_and_decided(world)
    Path(storage().path_for(items(dispute)[0].storage_key)).unlink()
    export = export_for(world.buyer, dispute)
    assert export.status is ExportStatus.FAILED
    assert "could not be read" in export.failure_reason


def test_an_export_left_by_a_dead_worker_is_queued_again_and_ends(world: World, app):
    dispute = listed_and_decided(world)
    export = export_for(world.mediator, dispute)
    export.status, export.storage_key = ExportStatus.RUNNING, ""
    export.heartbeat_at = real_now() - timedelta(hours=1)  # its worker died long ago
    db.session.commit()
    assert sweep(real_now()) == 1
    db.session.expire_all()
    export = db.session.get_one(CaseExport, export.id)
    assert (export.status, export.attempts) == (ExportStatus.READY, 2)
    app.config["JOB_MAX_ATTEMPTS"] = 2
    export.status, export.heartbeat_at = ExportStatus.RUNNING, real_now() - timedelta(hours=1)
    db.session.commit()
    sweep(real_now())
    db.session.expire_all()
    export = db.session.get_one(CaseExport, export.id)
    assert export.status is ExportStatus.FAILED
    assert export.failure_reason == "the worker building it stopped each time."
    assert db.session.scalar(select(EvidenceItem.id)) is not None
