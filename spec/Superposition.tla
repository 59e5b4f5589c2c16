--------------------------- MODULE Superposition ---------------------------
(***************************************************************************)
(* Superposition of one agent-state key: Fork splits it into speculative   *)
(* branches, Collapse(b) makes branch b the key's state and discards every *)
(* sibling, Discard(b) drops one branch.  Keys are independent, so one key *)
(* is modelled.                                                            *)
(*                                                                         *)
(* The mechanism modelled is the implementation's (src/branches/):         *)
(*  - a superposition table (metadata) for the key: status (single,        *)
(*    superposed, collapsed), the set of live branches, an epoch, and the  *)
(*    winner of the last collapse;                                         *)
(*  - branch data live in the ordinary tiers L1/L2/L3 under an internal    *)
(*    key <<branch, epoch>>; Fork writes every branch's data durably;      *)
(*  - Collapse(b) switches the metadata in one atomic step (the winner     *)
(*    becomes the base through the normal put path, the siblings are       *)
(*    discarded, the epoch is bumped) and sibling data are removed from    *)
(*    the tiers LATER, lazily, by GcSibling;                               *)
(*  - every branch read consults the metadata first.  A read served from   *)
(*    L3 is asynchronous (ReadBranchStart / ReadBranchComplete) and        *)
(*    re-checks the metadata when it completes: that re-check is the       *)
(*    barrier which makes lazily-left sibling bytes unreachable.           *)
(*                                                                         *)
(* Branch contents are abstracted to their identity: the data of branch b  *)
(* in epoch e is the value <<b, e>>, and the base is Root until the first  *)
(* collapse.  (Successive writes of one branch are not told apart: their   *)
(* version coherency is TierCoherency's job, as branch data use the same   *)
(* versioned put path.)  Tier moves apply to any internal key, live or     *)
(* dead, which over-approximates what the cache's policies may do.         *)
(*                                                                         *)
(* The two BOOLEAN constants exist only to state the known-bad variants in *)
(* models/ (both are TRUE in the real protocol):                           *)
(*   ReadBarrier     ReadBranchComplete re-checks the metadata;            *)
(*   AtomicCollapse  Collapse writes the base and switches the metadata in *)
(*                   one step (FALSE: the base is written first and the    *)
(*                   metadata switched by a later FinishCollapse step).    *)
(*                                                                         *)
(* Action names are the contract with src/branches/: one function per      *)
(* action, in camelCase (PutBranch -> putBranch).  See docs/spec.md.       *)
(***************************************************************************)
EXTENDS Naturals

CONSTANTS
    Branches,       \* branch ids (model values)
    MaxEpoch,       \* bound on the epoch (keeps the model finite); each fork/collapse round uses 2
    Root,           \* model value: the key's base content before any collapse
    None,           \* model value: "nothing" (also: a refused branch read)
    NoRead,         \* model value: "no read completed in this step"
    ReadBarrier,    \* TRUE in the real protocol (see the header)
    AtomicCollapse  \* TRUE in the real protocol (see the header)

ASSUME /\ Branches # {}
       /\ MaxEpoch \in Nat
       /\ ReadBarrier \in BOOLEAN
       /\ AtomicCollapse \in BOOLEAN

VARIABLES
    status,     \* the metadata's status: "single", "superposed" or "collapsed"
    live,       \* the metadata's set of live branches
    epoch,      \* the metadata's epoch, bumped by Fork and by Collapse
    winner,     \* the metadata's record of the last collapse's winner content, or None
    base,       \* the key's own value, what a plain read (ReadBase) returns
    l1,         \* internal keys <<branch, epoch>> whose data L1 holds
    l2,         \* ... L2 holds
    l3,         \* ... L3 holds (durable)
    reading,    \* reading[b]: the epoch at which an async L3 read of branch b began, or None
    collapsing, \* the winner of a collapse whose metadata switch is pending (AtomicCollapse = FALSE only), or None
    lastRead    \* what a read completed by this step returned ([kind, val]), or NoRead

vars == <<status, live, epoch, winner, base, l1, l2, l3, reading, collapsing, lastRead>>

Epochs == 1..MaxEpoch

\* The internal tier keys of branch data.
BranchKeys == Branches \X Epochs

\* The internal key of branch b's data in the current epoch.
Key(b) == <<b, epoch>>

\* Values a read can return.
Contents == BranchKeys \cup {Root}

\* The metadata allows reading (or writing) branch b now.
Readable(b) == status = "superposed" /\ b \in live

\* Data of the branches that are live now: the only branch data a read may return.
LiveData == IF status = "superposed" THEN {Key(b) : b \in live} ELSE {}

-----------------------------------------------------------------------------
(***************************************************************************)
(* The type invariant.  Checked first.                                     *)
(***************************************************************************)
TypeOK ==
    /\ status \in {"single", "superposed", "collapsed"}
    /\ live \subseteq Branches
    /\ epoch \in 0..MaxEpoch
    /\ winner \in BranchKeys \cup {None}
    /\ base \in Contents
    /\ l1 \subseteq BranchKeys
    /\ l2 \subseteq BranchKeys
    /\ l3 \subseteq BranchKeys
    /\ reading \in [Branches -> Epochs \cup {None}]
    /\ collapsing \in Branches \cup {None}
    /\ lastRead \in [kind : {"base", "branch"}, val : Contents \cup {None}] \cup {NoRead}

\* One ordinary key, never forked, nothing cached.
Init ==
    /\ status = "single"
    /\ live = {}
    /\ epoch = 0
    /\ winner = None
    /\ base = Root
    /\ l1 = {}
    /\ l2 = {}
    /\ l3 = {}
    /\ reading = [b \in Branches |-> None]
    /\ collapsing = None
    /\ lastRead = NoRead

-----------------------------------------------------------------------------
(***************************************************************************)
(* Actions on the superposition.                                           *)
(***************************************************************************)

\* Fork the key into every branch of Branches, in a new epoch.  Each branch
\* starts as a copy of the base (an empty delta), written to L1 and durably
\* to L3.  Needs room for the epoch bump of this round's collapse too.
Fork ==
    /\ status # "superposed"
    /\ epoch + 2 <= MaxEpoch
    /\ status' = "superposed"
    /\ live' = Branches
    /\ epoch' = epoch + 1
    /\ winner' = None
    /\ l1' = l1 \cup {<<b, epoch + 1>> : b \in Branches}
    /\ l3' = l3 \cup {<<b, epoch + 1>> : b \in Branches}
    /\ lastRead' = NoRead
    /\ UNCHANGED <<base, l2, reading, collapsing>>

\* Write branch b (live): its data go to L1 and durably to L3, and L2's
\* copy is dropped (L1 and L2 are exclusive).
PutBranch(b) ==
    /\ Readable(b)
    /\ l1' = l1 \cup {Key(b)}
    /\ l2' = l2 \ {Key(b)}
    /\ l3' = l3 \cup {Key(b)}
    /\ lastRead' = NoRead
    /\ UNCHANGED <<status, live, epoch, winner, base, reading, collapsing>>

\* A synchronous read of branch b.  The metadata is consulted first: a
\* branch that is not live is refused (None; the implementation throws
\* BranchError).  A live branch is served from L1, or from L2 with a
\* promotion to L1 in the same step.  A live branch in neither is read by
\* ReadBranchStart.
ReadBranch(b) ==
    /\ \/ /\ ~Readable(b)
          /\ lastRead' = [kind |-> "branch", val |-> None]
          /\ UNCHANGED <<l1, l2>>
       \/ /\ Readable(b)
          /\ Key(b) \in l1
          /\ lastRead' = [kind |-> "branch", val |-> Key(b)]
          /\ UNCHANGED <<l1, l2>>
       \/ /\ Readable(b)
          /\ Key(b) \notin l1
          /\ Key(b) \in l2
          /\ l1' = l1 \cup {Key(b)}
          /\ l2' = l2 \ {Key(b)}
          /\ lastRead' = [kind |-> "branch", val |-> Key(b)]
    /\ UNCHANGED <<status, live, epoch, winner, base, l3, reading, collapsing>>

\* A read of live branch b held in neither L1 nor L2 starts an async L3
\* read, remembering the epoch the metadata had.  Concurrent readers of b
\* share it (single-flight).
ReadBranchStart(b) ==
    /\ Readable(b)
    /\ Key(b) \notin l1
    /\ Key(b) \notin l2
    /\ reading[b] = None
    /\ reading' = [reading EXCEPT ![b] = epoch]
    /\ lastRead' = NoRead
    /\ UNCHANGED <<status, live, epoch, winner, base, l1, l2, l3, collapsing>>

\* The async L3 read of branch b completes.  The barrier: the metadata is
\* consulted again, and the data are returned (and installed in L1) only
\* if the epoch is unchanged and b is still live.  Otherwise b was
\* discarded or the key collapsed meanwhile, and the read is refused.
ReadBranchComplete(b) ==
    /\ reading[b] # None
    /\ LET bk == <<b, reading[b]>>
           ok == /\ (reading[b] = epoch /\ b \in live) \/ ~ReadBarrier
                 /\ bk \in l3
       IN  /\ l1' = IF ok THEN l1 \cup {bk} ELSE l1
           /\ lastRead' = [kind |-> "branch", val |-> IF ok THEN bk ELSE None]
    /\ reading' = [reading EXCEPT ![b] = None]
    /\ UNCHANGED <<status, live, epoch, winner, base, l2, l3, collapsing>>

\* A plain read of the key: the base (a superposed key's base is its state
\* before the fork).
ReadBase ==
    /\ lastRead' = [kind |-> "base", val |-> base]
    /\ UNCHANGED <<status, live, epoch, winner, base, l1, l2, l3, reading, collapsing>>

\* The metadata switch of a collapse to winner w: the key is no longer
\* superposed, no branch is live, the epoch is bumped (every async branch
\* read in flight is now stale), and the winner is recorded.
SwitchMetadata(w) ==
    /\ status' = "collapsed"
    /\ live' = {}
    /\ epoch' = epoch + 1
    /\ winner' = Key(w)

\* Collapse to live branch b: b's data become the base (written through the
\* key's normal put path) and the metadata switches, in one atomic step.
\* Sibling data stay in the tiers until GcSibling removes them.
\* (AtomicCollapse = FALSE, known-bad: only the base is written here and the
\* switch is left to FinishCollapse.)
Collapse(b) ==
    /\ Readable(b)
    /\ collapsing = None
    /\ base' = Key(b)
    /\ \/ /\ AtomicCollapse
          /\ SwitchMetadata(b)
          /\ UNCHANGED collapsing
       \/ /\ ~AtomicCollapse
          /\ collapsing' = b
          /\ UNCHANGED <<status, live, epoch, winner>>
    /\ lastRead' = NoRead
    /\ UNCHANGED <<l1, l2, l3, reading>>

\* The deferred metadata switch of a non-atomic collapse.  Never enabled in
\* the real protocol (collapsing stays None when AtomicCollapse = TRUE).
FinishCollapse ==
    /\ collapsing # None
    /\ SwitchMetadata(collapsing)
    /\ collapsing' = None
    /\ lastRead' = NoRead
    /\ UNCHANGED <<base, l1, l2, l3, reading>>

\* Discard live branch b (not the last one: a single remaining branch is
\* collapsed instead).  Its data are removed lazily by GcSibling.
Discard(b) ==
    /\ Readable(b)
    /\ collapsing = None
    /\ live # {b}
    /\ live' = live \ {b}
    /\ lastRead' = NoRead
    /\ UNCHANGED <<status, epoch, winner, base, l1, l2, l3, reading, collapsing>>

-----------------------------------------------------------------------------
(***************************************************************************)
(* Tier moves of branch data, on any internal key bk = <<branch, epoch>>.  *)
(***************************************************************************)

\* Promote bk to L1: from L2 (moved), or from L3 (copied; L3 keeps the
\* durable copy).
PromoteBranch(bk) ==
    /\ bk \notin l1
    /\ \/ /\ bk \in l2
          /\ l2' = l2 \ {bk}
       \/ /\ bk \notin l2
          /\ bk \in l3
          /\ UNCHANGED l2
    /\ l1' = l1 \cup {bk}
    /\ lastRead' = NoRead
    /\ UNCHANGED <<status, live, epoch, winner, base, l3, reading, collapsing>>

\* A capacity victim moves down one tier: L1 -> L2, or L2 -> L3 (where it
\* is dropped if L3 already holds it).
DemoteBranch(bk) ==
    /\ \/ /\ bk \in l1
          /\ l1' = l1 \ {bk}
          /\ l2' = l2 \cup {bk}
          /\ UNCHANGED l3
       \/ /\ bk \in l2
          /\ l2' = l2 \ {bk}
          /\ l3' = l3 \cup {bk}
          /\ UNCHANGED l1
    /\ lastRead' = NoRead
    /\ UNCHANGED <<status, live, epoch, winner, base, reading, collapsing>>

\* L1 or L2 drops bk for capacity.  L3 never evicts branch data: it holds
\* the only durable copy (there is no loader for a branch); dead branch
\* data leave L3 through GcSibling.
EvictBranch(bk) ==
    /\ \/ /\ bk \in l1
          /\ l1' = l1 \ {bk}
          /\ UNCHANGED l2
       \/ /\ bk \in l2
          /\ l2' = l2 \ {bk}
          /\ UNCHANGED l1
    /\ lastRead' = NoRead
    /\ UNCHANGED <<status, live, epoch, winner, base, l3, reading, collapsing>>

\* Lazy garbage collection: data of a branch that is no longer live (a
\* discarded branch, a collapsed sibling, or the winner's branch copy once
\* it became the base) are removed from one tier, in any order.
GcSibling(bk) ==
    /\ bk \notin LiveData
    /\ \/ /\ bk \in l1
          /\ l1' = l1 \ {bk}
          /\ UNCHANGED <<l2, l3>>
       \/ /\ bk \in l2
          /\ l2' = l2 \ {bk}
          /\ UNCHANGED <<l1, l3>>
       \/ /\ bk \in l3
          /\ l3' = l3 \ {bk}
          /\ UNCHANGED <<l1, l2>>
    /\ lastRead' = NoRead
    /\ UNCHANGED <<status, live, epoch, winner, base, reading, collapsing>>

Next ==
    \/ Fork
    \/ ReadBase
    \/ FinishCollapse
    \/ \E b \in Branches :
        \/ PutBranch(b)
        \/ ReadBranch(b)
        \/ ReadBranchStart(b)
        \/ ReadBranchComplete(b)
        \/ Collapse(b)
        \/ Discard(b)
    \/ \E bk \in BranchKeys :
        \/ PromoteBranch(bk)
        \/ DemoteBranch(bk)
        \/ EvictBranch(bk)
        \/ GcSibling(bk)

Spec == Init /\ [][Next]_vars

-----------------------------------------------------------------------------
(***************************************************************************)
(* Invariants.                                                             *)
(***************************************************************************)

\* Once a collapse (or a discard) is acknowledged, no read returns the data
\* of a discarded branch from any tier: a branch read completed in this step
\* returned either a refusal or the current data of a branch live now.
NoGhostBranch ==
    (lastRead # NoRead /\ lastRead.kind = "branch" /\ lastRead.val # None)
        => lastRead.val \in LiveData

\* Collapse is atomic as readers see it: while the key is superposed, a
\* plain read never returns a branch of the current superposition as the
\* base (in particular not the winner-to-be); once collapsed, it returns
\* exactly the winner (never a sibling, never the old base).
CollapseAtomic ==
    (lastRead # NoRead /\ lastRead.kind = "base") =>
        /\ status = "superposed" => \A b \in Branches : lastRead.val # Key(b)
        /\ status = "collapsed" => lastRead.val = winner

\* No acknowledged branch data are lost: every live branch's data are
\* durable in L3.
LiveBranchesDurable ==
    \A bk \in LiveData : bk \in l3
=============================================================================
