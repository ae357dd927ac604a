"""Named steps a person takes in the browser, found by role and label as a person would find them.

Also the few steps that happen outside the browser: a fresh order (`flask demo order`) and
moving the shared app clock (`flask clock travel`). Each story creates what it needs after any
travel, because the clock only moves forward for the whole session.
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

from conftest import flask
from playwright.sync_api import Locator, Page, expect

PASSWORD = "demo-password"
# The page's one poll runs every 6 s and brings every changed part in its answer: what another
# party did shows up within one poll (two, if the first left just before the change).
POLL_TIMEOUT = 12_000


# --- Outside the browser ------------------------------------------------------------------------


def new_order(
    env: dict[str, str],
    title: str,
    *,
    buyer: str = "buyer@example.com",
    seller: str = "seller@example.com",
    policy: str = "aliexpress",
    price: str = "45.00",
    in_transit: bool = False,
) -> str:
    """A fresh order the buyer can dispute now (received a day ago), or one still on its way
    (`in_transit`: protection running, so it can be extended); returns its number."""
    out = flask(
        env,
        "demo",
        "order",
        "--title",
        title,
        "--buyer",
        buyer,
        "--seller",
        seller,
        "--policy",
        policy,
        "--price",
        price,
        *(["--in-transit"] if in_transit else []),
    )
    return out.strip().splitlines()[-1]


def travel(env: dict[str, str], duration: str) -> None:
    """Move the app clock forward for everyone (`7d`, `36h`, `1d12h`)."""
    flask(env, "clock", "travel", duration)


def app_now(env: dict[str, str]) -> datetime:
    """The app's current time (naive UTC), as `flask clock show` prints it: in whole seconds.

    Compare it only with times cut to whole seconds too (`whole_seconds`): a moment later in the
    same second, kept to the microsecond, would look later than an `app_now()` read after it.
    """
    found = re.search(r"App time: (\S+)", flask(env, "clock", "show"))
    assert found, "flask clock show printed no app time"
    return datetime.fromisoformat(found.group(1)).replace(tzinfo=None)


def whole_seconds(moment: datetime) -> datetime:
    """`moment` as naive UTC cut to whole seconds, the precision of `app_now()`."""
    return moment.replace(tzinfo=None, microsecond=0)


# --- Accounts and navigation --------------------------------------------------------------------


def log_in(page: Page, base_url: str, email: str) -> None:
    """Log in with the demo password."""
    page.goto(f"{base_url}/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()


def log_out(page: Page) -> None:
    """Press Log out."""
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("button", name="Log in")).to_be_visible()


def order_card(page: Page, base_url: str, item: str) -> Locator:
    """My orders, and the card of the order whose title or number contains `item`."""
    page.goto(f"{base_url}/orders")
    return page.get_by_role("listitem").filter(has_text=item)


def open_dispute_on(
    page: Page,
    base_url: str,
    item: str,
    *,
    amount: str,
    photo: Path | list[Path] | None,
    received: bool = True,
    reason: str = "Damaged in transit",
    resolution: str = "Refund only",
    description: str = "The teapot arrived in pieces.",
) -> str:
    """From My orders, open a dispute on the order whose title or number contains `item`.

    Returns the dispute page's address, for the other people of the story.
    """
    order_card(page, base_url, item).get_by_role("link", name="Open a dispute").click()
    page.get_by_role("radio", name="Yes" if received else "No", exact=True).check()
    page.get_by_label("Reason").select_option(label=reason)
    page.get_by_role("radio", name=resolution).check()
    page.get_by_label("Refund amount").fill(amount)
    page.get_by_label("Description").fill(description)
    if photo is not None:
        files = photo if isinstance(photo, list) else [photo]
        page.get_by_label("Photos and videos").set_input_files([str(file) for file in files])
    page.get_by_role("button", name="Submit").click()
    expect(progress_bar(page)).to_be_visible()
    return page.url


def open_dispute_of(page: Page, base_url: str, item: str) -> None:
    """From My orders, go to the dispute on the order whose title or number contains `item`."""
    order_card(page, base_url, item).get_by_role("link", name="View dispute").click()
    expect(progress_bar(page)).to_be_visible()


def open_from_queue(page: Page, base_url: str, item: str) -> None:
    """As the mediator, open the escalated dispute whose row mentions `item` (its order number)."""
    page.goto(f"{base_url}/mediation")
    queue_row(page, item).get_by_role("link").click()
    expect(progress_bar(page)).to_be_visible()


def queue_row(page: Page, item: str) -> Locator:
    """The mediator queue's row of the dispute whose row mentions `item`."""
    return page.get_by_role("row").filter(has_text=item)


def show_again(page: Page) -> None:
    """Reload the dispute page, as a person coming back to it would."""
    page.reload()
    expect(progress_bar(page)).to_be_visible()


# --- What the dispute page says -----------------------------------------------------------------


def progress_bar(page: Page) -> Locator:
    """The progress bar at the top of a dispute (H3); its value text names the current stage."""
    return page.get_by_role("progressbar", name="Dispute progress")


def expect_stage(page: Page, stage: str, timeout: float = 5_000) -> None:
    """The progress bar stands at `stage` ("Negotiation", "Platform review", "Refund", "Cancelled")."""
    expect(progress_bar(page)).to_have_attribute("aria-valuetext", stage, timeout=timeout)


def status_line(page: Page) -> Locator:
    """What the last action did or why it was refused (the live region under the title)."""
    return page.locator("#dispute-status")


def section(page: Page, heading: str) -> Locator:
    """A part of the dispute page, found by its heading ("Proposals", "Outcome", "Refund", ...)."""
    return page.locator("section").filter(has=page.get_by_role("heading", name=heading, exact=True))


def refund_line(page: Page) -> Locator:
    """The Refund part's line with the amount and status ("Refund 20.00 USD: pending, due by ...")."""
    return section(page, "Refund").get_by_role("paragraph").filter(has_text=re.compile(r"^Refund \d"))


def solution_card(page: Page, number: int) -> Locator:
    """The card of the mediator's solution `number` (M4)."""
    return page.get_by_role("listitem").filter(has=page.get_by_role("heading", name=f"Solution {number}"))


def expect_done(page: Page, words: str) -> None:
    """The status line (htmx) or the flash message (without JavaScript) says `words`."""
    expect(page.get_by_role("status").filter(has_text=words)).to_be_visible()


def press(page: Page, button: Locator, action: str) -> None:
    """Click a dispute action's button and wait until the server has answered its POST.

    The status line may still say what the previous action did, so waiting for the answer is what
    makes the next step (often in another browser) see this one's effect.
    """
    suffix = f"/{action}"
    with page.expect_response(lambda r: r.request.method == "POST" and r.url.endswith(suffix)):
        button.click()


# --- Confirmations ------------------------------------------------------------------------------


def confirmation(page: Page) -> Locator:
    """The in-page confirmation box, or the confirmation page without JavaScript."""
    page_heading = page.get_by_role("heading", name="Please confirm", level=1)
    return page.get_by_role("alertdialog").or_(page.get_by_role("main").filter(has=page_heading))


def confirm(page: Page, yes: str, action: str, *, saying: str = "") -> None:
    """Check what the confirmation says will happen, then press its "Yes, ..." button."""
    box = confirmation(page)
    expect(box).to_be_visible()
    if saying:
        expect(box).to_contain_text(saying)
    press(page, box.get_by_role("button", name=yes), action)


# --- Buyer and seller: proposals (S2, S3, N2-N5) ------------------------------------------------


def proposal_card(page: Page, amount: str) -> Locator:
    """The live proposal card showing `amount` ("12.00 USD")."""
    return (
        section(page, "Proposals").get_by_role("listitem").filter(has_text=amount).filter(has_text="proposal")
    )


def reject_request_form(page: Page) -> Locator:
    """The seller's form under "Reject the buyer's request" (S3)."""
    return page.locator("form").filter(has=page.get_by_role("heading", name="Reject the buyer's request"))


def reject_request_with_counter_offer(page: Page, amount: str, comment: str = "") -> None:
    """As the seller, reject the buyer's request and offer a partial refund."""
    form = reject_request_form(page)
    form.get_by_label("Refund amount").fill(amount)
    if comment:
        form.get_by_label("Comment").fill(comment)
    press(page, form.get_by_role("button", name="Reject"), "reject-request")


def reject_request(page: Page) -> None:
    """As the seller, reject the request without a proposal: the amount left empty, as the form says."""
    press(page, reject_request_form(page).get_by_role("button", name="Reject"), "reject-request")


def start_accepting(page: Page, amount: str) -> Locator:
    """Press Accept on the other party's proposal of `amount`; returns the confirmation shown."""
    press(page, proposal_card(page, amount).get_by_role("button", name="Accept"), "accept")
    box = confirmation(page)
    expect(box).to_contain_text(amount)
    return box


def accept_proposal(page: Page, amount: str) -> None:
    """Accept the other party's proposal of `amount`: the page says it is final and the sum first (N4)."""
    start_accepting(page, amount)
    confirm(page, "Yes, accept", "accept", saying="final")


def reject_proposal(page: Page, amount: str) -> None:
    """Reject the other party's proposal of `amount`; the negotiation goes on (N5)."""
    press(page, proposal_card(page, amount).get_by_role("button", name="Reject"), "reject")
    expect_done(page, "You rejected the proposal.")


def change_proposal(page: Page, amount: str, *, to: str, comment: str | None = None) -> None:
    """Change one's own proposal of `amount` to the amount `to` (N3)."""
    card = proposal_card(page, amount)
    card.locator("summary").filter(has_text="Change").click()
    card.get_by_label("Refund amount").fill(to)
    if comment is not None:
        card.get_by_label("Comment").fill(comment)
    press(page, card.get_by_role("button", name="Change"), "change-proposal")
    expect_done(page, "Your proposal was changed.")


def send_message(page: Page, text: str, *, ctrl_enter: bool = False) -> None:
    """Write in the negotiation thread and press Send, or Ctrl+Enter in the box (N7)."""
    thread = section(page, "Negotiation thread")
    box = thread.get_by_role("textbox", name="Message")
    box.fill(text)
    if ctrl_enter:
        box.press("Control+Enter")
    else:
        press(page, thread.get_by_role("button", name="Send"), "message")
    expect(thread.get_by_role("list", name="Messages")).to_contain_text(text)


# --- Buyer: the dispute itself (N1, C1-C3) ------------------------------------------------------


def escalate(page: Page) -> None:
    """Press Escalate (dhgate, after the seller's 5 days) and confirm (N1)."""
    press(page, page.get_by_role("button", name="Escalate"), "escalate")
    confirm(page, "Yes, escalate", "escalate", saying="hands the dispute to the platform")
    expect_done(page, "The dispute went to the platform.")


def cancel_dispute(page: Page, button: str = "Cancel dispute") -> None:
    """Press "Cancel dispute" (or "Cancel arbitration") and confirm (C1)."""
    press(page, page.get_by_role("button", name=button), "cancel")
    confirm(page, "Yes, cancel", "cancel", saying="Cancelling closes the dispute")
    expect_done(page, "The dispute was cancelled.")


def reopen_dispute(page: Page) -> None:
    """Reopen a cancelled dispute (C2)."""
    press(page, page.get_by_role("button", name="Reopen dispute"), "reopen")
    expect_done(page, "The dispute was reopened.")


def submit_complaint(page: Page, why: str, description: str) -> None:
    """Fill in "Submit a complaint" and confirm; whether it is accepted is for the caller to check (C3)."""
    form = page.locator("form").filter(has=page.get_by_role("heading", name="Submit a complaint"))
    form.get_by_label("Why").select_option(label=why)
    form.get_by_label("Description").fill(description)
    press(page, form.get_by_role("button", name="Submit a complaint"), "appeal")


# --- Mediation (M2, M4, M5) ---------------------------------------------------------------------


def take_case(page: Page) -> None:
    """As a mediator on an escalated dispute nobody holds, take it: from now on only you act on it."""
    press(page, page.get_by_role("button", name="Take this case"), "take-case")
    expect_done(page, "You took the case")


def request_evidence(page: Page, party: str, wanted: str, days: str | None = None) -> None:
    """As the mediator, ask `party` ("Buyer" or "Seller") for specific evidence (M2)."""
    form = page.locator("form").filter(has=page.get_by_role("heading", name="Request evidence"))
    form.get_by_label("From").select_option(label=party)
    form.get_by_label("What is wanted").fill(wanted)
    if days is not None:
        form.get_by_label("Days to answer").fill(days)
    press(page, form.get_by_role("button", name="Request evidence"), "request-evidence")
    expect_done(page, "Evidence requested.")


def respond_now(page: Page, comment: str, file: Path | None) -> None:
    """As a party asked for evidence, answer with a comment and a file ("Respond now", M2)."""
    form = page.locator("form").filter(has=page.get_by_role("button", name="Respond now"))
    if file is not None:
        form.get_by_label("Photos and videos").set_input_files(str(file))
    form.get_by_label("Comment").fill(comment)
    press(page, form.get_by_role("button", name="Respond now"), "respond")
    expect_done(page, "Your response was sent to the mediator.")


def propose_decision(page: Page, solutions: list[tuple[str, str, str]], explanation: str = "") -> None:
    """As the mediator, propose one or two solutions: (resolution label, amount, comment) each (M4)."""
    form = page.locator("form").filter(has=page.get_by_role("heading", name="Propose decision"))
    for number, (resolution, amount, comment) in enumerate(solutions, start=1):
        solution = form.get_by_role("group", name=f"Solution {number}")
        solution.get_by_label("Resolution").select_option(label=resolution)
        solution.get_by_label("Refund amount").fill(amount)
        solution.get_by_label("Comment").fill(comment)
    form.get_by_label("Explanation").fill(explanation)
    press(page, form.get_by_role("button", name="Propose decision"), "propose-decision")
    expect_done(page, "Decision proposed to both parties.")


def answer_decision(page: Page, solution: int, comment: str = "") -> None:
    """As a party, accept solution `solution` (confirming), or reject the solutions with 0 (M4)."""
    if solution:
        press(page, page.get_by_role("button", name=f"Accept solution {solution}"), "accept-solution")
        confirm(page, "Yes, accept solution", "accept-solution", saying=f"Solution {solution}")
        expect_done(page, "You accepted the solution.")
        return
    page.locator("summary").filter(has_text="Reject the solutions").click()
    form = page.locator("form").filter(has=page.get_by_role("button", name="Reject", exact=True))
    form.get_by_label("Comment").fill(comment)
    press(page, form.get_by_role("button", name="Reject", exact=True), "reject-solutions")
    expect_done(page, "You rejected the proposed solutions")


def final_decision(page: Page, solution: int, comment: str = "") -> None:
    """As the mediator, choose solution `solution` as the final decision and confirm (M5)."""
    form = page.locator("form").filter(has=page.get_by_role("heading", name="Final decision"))
    form.get_by_role("radio", name=f"Solution {solution}:").check()
    form.get_by_label("Comment").fill(comment)
    press(page, form.get_by_role("button", name="Final decision"), "final-decision")
    confirm(page, "Yes, final decision", "final-decision", saying=f"solution {solution}")
    expect_done(page, "Final decision made: the dispute is closed.")


# --- Evidence locker ----------------------------------------------------------------------------


def watch_uploads(page: Page) -> None:
    """Record, in the page, each upload progress event and each processing bar that appears."""
    page.evaluate(
        """() => {
          window.uploadProgress = {};
          window.processingSeen = [];
          document.addEventListener("htmx:xhr:progress", (e) => {
            const row = e.target.closest("li.upload-row");
            const name = row && row.querySelector("strong") ? row.querySelector("strong").textContent : "?";
            if (e.detail.lengthComputable) window.uploadProgress[name] = [e.detail.loaded, e.detail.total];
          });
          new MutationObserver(() => {
            document.querySelectorAll(".evidence-card__processing progress").forEach((bar) => {
              if (!window.processingSeen.includes(bar.id)) window.processingSeen.push(bar.id);
            });
          }).observe(document.body, { childList: true, subtree: true });
        }"""
    )


def upload_evidence(page: Page, *files: Path) -> None:
    """Choose files in "Add photos and videos": each uploads on its own, with its own progress bar."""
    page.get_by_label("Add photos and videos").set_input_files([str(f) for f in files])
    queue = page.get_by_role("list", name="Uploads")
    for file in files:
        row = queue.get_by_role("listitem").filter(has_text=file.name)
        expect(row).to_contain_text("uploaded", timeout=30_000)


def evidence_card(page: Page, name: str) -> Locator:
    """The locker card of the item whose original file name is `name`."""
    return page.locator("#evidence li.evidence-card").filter(has_text=name)


def open_evidence(page: Page, name: str) -> None:
    """Open the item `name` in the viewer, from its thumbnail."""
    evidence_card(page, name).get_by_role("link").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(name)


def play_video(page: Page) -> float:
    """Start the viewer's video (muted, as autoplay rules want) and return its time after a moment."""
    video = page.locator("video")
    video.evaluate("v => { v.muted = true; return v.play(); }")
    page.wait_for_function("() => document.querySelector('video').currentTime > 0.5", timeout=15_000)
    return float(video.evaluate("v => v.currentTime"))


# --- Two open pages: what one side does, the other sees without reloading ----------------------


def keep_watching(page: Page) -> None:
    """Mark the open page; a reload or a navigation away loses the mark (see `expect_live`)."""
    page.evaluate("() => { window.stillTheSamePage = true; }")


def expect_live(page: Page, what: Locator) -> None:
    """`what` appears on the already-open `page` by its poll: no reload, no navigation in between."""
    expect(what).to_be_visible(timeout=POLL_TIMEOUT)
    assert page.evaluate("() => window.stillTheSamePage === true"), "the watching page was reloaded or left"


def add_solution(page: Page, amount: str, *, resolution: str = "Refund only") -> None:
    """As a party, add another solution of one's own (N2)."""
    proposals = section(page, "Proposals")
    proposals.locator("summary").filter(has_text="Add solution").click()
    form = proposals.locator("form").filter(has=page.get_by_role("button", name="Add solution"))
    form.get_by_role("radio", name=resolution).check()
    form.get_by_label("Refund amount").fill(amount)
    press(page, form.get_by_role("button", name="Add solution"), "add-solution")
    expect_done(page, "Your solution was added.")


def change_dispute(page: Page, *, amount: str) -> None:
    """As the buyer, change the dispute's refund amount under "Your dispute" (N6)."""
    part = section(page, "Your dispute")
    part.locator("summary").filter(has_text="Change").click()
    part.get_by_label("Refund amount").fill(amount)
    press(page, part.get_by_role("button", name="Change"), "change")
    expect_done(page, "The dispute was changed.")


def pin_message(page: Page, text: str) -> None:
    """Pin the thread message saying `text` into one's own evidence (N7)."""
    message = page.get_by_role("list", name="Messages").get_by_role("listitem").filter(has_text=text)
    press(page, message.get_by_role("button", name="Pin to my evidence"), "pin")
    expect(message).to_contain_text("Pinned to your evidence")


def ship_return(page: Page, tracking: str) -> None:
    """As the buyer, enter the return parcel's tracking number (F2)."""
    part = section(page, "Refund")
    part.get_by_label("Return tracking number").fill(tracking)
    press(page, part.get_by_role("button", name="Save tracking number"), "ship-return")
    expect_done(page, "Return tracking number saved.")


def confirm_return(page: Page) -> None:
    """As the seller, confirm the returned item arrived (F2)."""
    press(page, page.get_by_role("button", name="Confirm the item arrived"), "confirm-return")
    expect_done(page, "Return confirmed: the refund is now due.")


def mark_refunded(page: Page) -> None:
    """As the seller or the mediator, mark the pending refund as paid (F1)."""
    press(page, page.get_by_role("button", name="Mark refund paid"), "mark-refunded")
    expect_done(page, "Refund marked as paid.")


def reassign_case(page: Page, to: str) -> None:
    """As the lead mediator holding a case, hand it to the mediator named `to`."""
    form = page.locator("#reassign-case")
    form.get_by_label("Hand the case to").select_option(label=to)
    press(page, form.get_by_role("button", name="Reassign"), "reassign-case")
    expect_done(page, "The case was handed over.")


def caption_evidence(page: Page, name: str, caption: str) -> None:
    """Caption one's own locker item `name` ("Caption or remove" on its card)."""
    card = evidence_card(page, name)
    card.locator("summary").filter(has_text="Caption or remove").click()
    card.get_by_label("Caption").fill(caption)
    card.get_by_role("button", name="Save caption").click()
    expect(evidence_card(page, name)).to_contain_text(caption)


def remove_evidence(page: Page, name: str) -> None:
    """Remove one's own locker item `name`, accepting the browser's "Remove ...?" question (E2)."""
    card = evidence_card(page, name)
    card.locator("summary").filter(has_text="Caption or remove").click()
    page.once("dialog", lambda dialog: dialog.accept())
    card.get_by_role("button", name="Remove").click()
    expect(evidence_card(page, name)).to_have_count(0)
