"""The dispute rules as a pure module: no web, no database, no clock of its own.

Callers build a `DisputeFacts` snapshot, ask `allowed_actions` what may be done, and ask `take`
(an action) or `on_deadline` (a passed clock) for the `Step` that says what happens: the new
state, the closing terms, an escalation. They persist the step; nothing else changes a state.
"""

from .calendar import add_business_days, add_days
from .deadlines import Deadline, Effect, EffectKind, due_deadline, effect_of, next_deadline
from .errors import FormInvalid, NotPermitted, RuleViolation
from .facts import (
    NOTHING,
    REJECTED,
    DecisionFacts,
    DisputeFacts,
    EvidenceRequestFacts,
    Terms,
)
from .figures import Figure, describe_figures, figures
from .money import format_money, parse_amount, smallest_amount
from .opening import (
    DisputeRequest,
    OrderFacts,
    check_can_open,
    in_transit_reason_opens_at,
    opening_window,
    validate_request,
)
from .policy import DEFAULT_POLICY, Policy, PolicyRegistry, builtin_policies
from .progress import (
    Progress,
    buyer_is_suspicious,
    current_stage,
    first_contact_due,
    mediation_status,
    mediator_due_at,
    progress,
)
from .proposals import (
    ProposalForm,
    check_proposal_slot,
    validate_decision_solutions,
    validate_terms,
)
from .protection import (
    ExtensionAsk,
    ExtensionFacts,
    ExtensionGrant,
    check_can_answer,
    check_can_ask,
    days_left,
    extended_end,
    validate_ask,
    validate_grant,
)
from .reasons import REASONS, Reason, guidance_for, reasons_for
from .steps import Closing, Step, on_deadline, opening_state, take
from .transitions import PLATFORM, TABLE, allowed_actions, check, next_state
from .vocabulary import (
    OPEN_STATES,
    PARTIES,
    REQUESTABLE,
    Action,
    Actor,
    DeadlineKind,
    MediationStatus,
    Outcome,
    RefundStatus,
    ReshipStatus,
    Resolution,
    ReturnStatus,
    Stage,
    State,
)

__all__ = [
    "DEFAULT_POLICY",
    "NOTHING",
    "OPEN_STATES",
    "PARTIES",
    "PLATFORM",
    "REASONS",
    "REJECTED",
    "REQUESTABLE",
    "TABLE",
    "Action",
    "Actor",
    "Closing",
    "Deadline",
    "DeadlineKind",
    "DecisionFacts",
    "DisputeFacts",
    "DisputeRequest",
    "Effect",
    "EffectKind",
    "EvidenceRequestFacts",
    "ExtensionAsk",
    "ExtensionFacts",
    "ExtensionGrant",
    "Figure",
    "FormInvalid",
    "MediationStatus",
    "NotPermitted",
    "OrderFacts",
    "Outcome",
    "Policy",
    "PolicyRegistry",
    "Progress",
    "ProposalForm",
    "Reason",
    "RefundStatus",
    "ReshipStatus",
    "Resolution",
    "ReturnStatus",
    "RuleViolation",
    "Stage",
    "State",
    "Step",
    "Terms",
    "add_business_days",
    "add_days",
    "allowed_actions",
    "builtin_policies",
    "buyer_is_suspicious",
    "check",
    "check_can_answer",
    "check_can_ask",
    "check_can_open",
    "check_proposal_slot",
    "current_stage",
    "days_left",
    "describe_figures",
    "due_deadline",
    "effect_of",
    "extended_end",
    "figures",
    "first_contact_due",
    "format_money",
    "guidance_for",
    "in_transit_reason_opens_at",
    "mediation_status",
    "mediator_due_at",
    "next_deadline",
    "next_state",
    "on_deadline",
    "opening_state",
    "opening_window",
    "parse_amount",
    "progress",
    "reasons_for",
    "smallest_amount",
    "take",
    "validate_ask",
    "validate_decision_solutions",
    "validate_grant",
    "validate_request",
    "validate_terms",
]
