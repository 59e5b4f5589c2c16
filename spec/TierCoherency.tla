--------------------------- MODULE TierCoherency ---------------------------
(***************************************************************************)
(* Coherency of tiercache's three tiers (L1 hot, L2 warm, L3 durable disk) *)
(* in front of the user's backing store, the loader's source of truth.     *)
(*                                                                         *)
(* Every acknowledged Put and every Invalidate draws the next number from  *)
(* one global, monotonic version counter.  Each tier holds, per key,       *)
(* either nothing or the version it was written with (L3 can also hold a   *)
(* durable tombstone).  Put is write-through: it is acknowledged only once *)
(* the new version is durable in L3, so it is modelled as one atomic step  *)
(* at its acknowledgement.                                                 *)
(*                                                                         *)
(* A read of a key held in L1 or L2 is synchronous.  Otherwise the read is *)
(* asynchronous (an L3 read or a loader call) and takes two steps:         *)
(* FillStart records an in-flight record stamped with the key's epoch      *)
(* (bumped by every Put and Invalidate) and the version the read will      *)
(* return; FillComplete installs that version in L1 and returns it only if *)
(* the epoch is unchanged.  This is the guard against the "stale set"      *)
(* race, where a slow fill that began before a Put or an Invalidate would  *)
(* otherwise install, and return, the older version.  Prefetches use the   *)
(* same in-flight record without a waiting reader, and concurrent misses   *)
(* on one key share one record (single-flight).                            *)
(*                                                                         *)
(* Capacity is abstracted: any tier may drop or demote any entry at any    *)
(* time (Demote, Evict), which covers every eviction policy and budget.    *)
(*                                                                         *)
(* The two BOOLEAN constants exist only to state the known-bad variants in *)
(* models/ (both are TRUE in the real protocol):                           *)
(*   InstallChecksEpoch  FillComplete / PrefetchComplete compare the epoch *)
(*                       before installing into L1;                        *)
(*   ReturnChecksEpoch   FillComplete compares the epoch before handing    *)
(*                       the fetched version to the waiting reader.        *)
(*                                                                         *)
(* Action names are the contract with src/hierarchy/: one function per     *)
(* action, in camelCase (FillComplete -> fillComplete).  See docs/spec.md. *)
(***************************************************************************)
EXTENDS Naturals

CONSTANTS
    Keys,               \* the cache keys (model values)
    MaxVersion,         \* bound on the global version counter (keeps the model finite)
    None,               \* model value: "nothing held here"
    NoRead,             \* model value: "no read completed in this step"
    InstallChecksEpoch, \* TRUE in the real protocol (see the header)
    ReturnChecksEpoch   \* TRUE in the real protocol (see the header)

ASSUME /\ Keys # {}
       /\ MaxVersion \in Nat
       /\ InstallChecksEpoch \in BOOLEAN
       /\ ReturnChecksEpoch \in BOOLEAN

VARIABLES
    ver,      \* the last version drawn from the global counter (0 = none yet)
    store,    \* store[k]: version of k in the backing store, or None (never put / invalidated)
    epoch,    \* epoch[k]: version drawn by the last Put or Invalidate of k (0 = none yet)
    l1,       \* l1[k]: version of k held in L1, or None
    l2,       \* l2[k]: version of k held in L2, or None
    l3,       \* l3[k]: L3's index record for k ([ver, live]; live = FALSE is a tombstone), or None
    fill,     \* fill[k]: the in-flight async read of k ([token, val, reader]), or None
    lastRead  \* what a read completed by this step returned ([key, val]), or NoRead

vars == <<ver, store, epoch, l1, l2, l3, fill, lastRead>>

Versions == 1..MaxVersion

\* What a tier slot, the store, or a read result can hold.
Slot == Versions \cup {None}

\* An L3 index record: a live entry, or a durable tombstone left by Invalidate
\* or by an L3 eviction.
L3Record == [ver : Versions, live : BOOLEAN]

\* An in-flight async read (L3 read or loader call): the key's epoch when it
\* started, the version it will return, and whether a reader waits on it
\* (FALSE = a prefetch).
FillRecord == [token : 0..MaxVersion, val : Slot, reader : BOOLEAN]

\* The result of a completed read.
ReadResult == [key : Keys, val : Slot]

\* k has a live (not tombstoned) entry in L3.
InL3(k) == l3[k] # None /\ l3[k].live

\* k can be read synchronously: L1 or L2 holds it.
Cached(k) == l1[k] # None \/ l2[k] # None

\* What an async read of k started now will return: L3's version, else the loader's (store's).
FetchedVersion(k) == IF InL3(k) THEN l3[k].ver ELSE store[k]

\* L1 after a completed fill f of k: f's version is installed only if the
\* key's epoch still equals f's token (no Put or Invalidate since it began).
L1AfterFill(k, f) ==
    IF (f.token = epoch[k] \/ ~InstallChecksEpoch) /\ f.val # None
        THEN [l1 EXCEPT ![k] = f.val]
        ELSE l1

-----------------------------------------------------------------------------
(***************************************************************************)
(* The type invariant.  Checked first.                                     *)
(***************************************************************************)
TypeOK ==
    /\ ver \in 0..MaxVersion
    /\ store \in [Keys -> Slot]
    /\ epoch \in [Keys -> 0..MaxVersion]
    /\ l1 \in [Keys -> Slot]
    /\ l2 \in [Keys -> Slot]
    /\ l3 \in [Keys -> L3Record \cup {None}]
    /\ fill \in [Keys -> FillRecord \cup {None}]
    /\ lastRead \in ReadResult \cup {NoRead}

\* Empty tiers, an empty store, nothing in flight.
Init ==
    /\ ver = 0
    /\ store = [k \in Keys |-> None]
    /\ epoch = [k \in Keys |-> 0]
    /\ l1 = [k \in Keys |-> None]
    /\ l2 = [k \in Keys |-> None]
    /\ l3 = [k \in Keys |-> None]
    /\ fill = [k \in Keys |-> None]
    /\ lastRead = NoRead

-----------------------------------------------------------------------------
(***************************************************************************)
(* Actions.                                                                *)
(***************************************************************************)

\* A synchronous read of k.  An L1 hit returns L1's version; otherwise an
\* L2 hit promotes the entry to L1 (moving it: L1 and L2 are exclusive) and
\* returns it, in the same step.  A key in neither tier is read by FillStart.
Read(k) ==
    /\ \/ /\ l1[k] # None
          /\ lastRead' = [key |-> k, val |-> l1[k]]
          /\ UNCHANGED <<l1, l2>>
       \/ /\ l1[k] = None
          /\ l2[k] # None
          /\ l1' = [l1 EXCEPT ![k] = l2[k]]
          /\ l2' = [l2 EXCEPT ![k] = None]
          /\ lastRead' = [key |-> k, val |-> l2[k]]
    /\ UNCHANGED <<ver, store, epoch, l3, fill>>

\* An acknowledged put of a new value of k.  It draws the next version,
\* saves the value to the backing store (the user's save path), writes it
\* durably to L3 and installs it in L1, and drops L2's copy, which is now
\* older.  A fill of k still in flight keeps its (now stale) token.
Put(k) ==
    /\ ver < MaxVersion
    /\ ver' = ver + 1
    /\ store' = [store EXCEPT ![k] = ver + 1]
    /\ epoch' = [epoch EXCEPT ![k] = ver + 1]
    /\ l1' = [l1 EXCEPT ![k] = ver + 1]
    /\ l2' = [l2 EXCEPT ![k] = None]
    /\ l3' = [l3 EXCEPT ![k] = [ver |-> ver + 1, live |-> TRUE]]
    /\ lastRead' = NoRead
    /\ UNCHANGED fill

\* A read miss in L1 and L2 starts an async read: an L3 read if L3 holds k,
\* else a loader call.  The in-flight record remembers k's epoch now and
\* the version the read will return.  If a prefetch of k is already in
\* flight, the reader joins it instead of starting a second read
\* (single-flight).
FillStart(k) ==
    /\ ~Cached(k)
    /\ \/ /\ fill[k] = None
          /\ fill' = [fill EXCEPT ![k] = [token |-> epoch[k],
                                          val |-> FetchedVersion(k),
                                          reader |-> TRUE]]
       \/ /\ fill[k] # None
          /\ ~fill[k].reader
          /\ fill' = [fill EXCEPT ![k].reader = TRUE]
    /\ lastRead' = NoRead
    /\ UNCHANGED <<ver, store, epoch, l1, l2, l3>>

\* The async read of k completes.  If k's epoch is unchanged since it began,
\* the fetched version is installed in L1 and returned to the reader (None
\* is a miss).  Otherwise a Put or Invalidate overtook it: the install is
\* dropped and the reader is not answered from this fill; it re-reads, which
\* is a later Read or FillStart step.
FillComplete(k) ==
    /\ fill[k] # None
    /\ fill[k].reader
    /\ l1' = L1AfterFill(k, fill[k])
    /\ lastRead' = IF fill[k].token = epoch[k] \/ ~ReturnChecksEpoch
                       THEN [key |-> k, val |-> fill[k].val]
                       ELSE NoRead
    /\ fill' = [fill EXCEPT ![k] = None]
    /\ UNCHANGED <<ver, store, epoch, l2, l3>>

\* A prefetch of k, a key in neither L1 nor L2: the same async read as
\* FillStart, with no reader waiting.
PrefetchStart(k) ==
    /\ ~Cached(k)
    /\ fill[k] = None
    /\ fill' = [fill EXCEPT ![k] = [token |-> epoch[k],
                                    val |-> FetchedVersion(k),
                                    reader |-> FALSE]]
    /\ lastRead' = NoRead
    /\ UNCHANGED <<ver, store, epoch, l1, l2, l3>>

\* The prefetch of k completes: installs in L1 under the same epoch check
\* as FillComplete, and answers nobody.
PrefetchComplete(k) ==
    /\ fill[k] # None
    /\ ~fill[k].reader
    /\ l1' = L1AfterFill(k, fill[k])
    /\ fill' = [fill EXCEPT ![k] = None]
    /\ lastRead' = NoRead
    /\ UNCHANGED <<ver, store, epoch, l2, l3>>

\* A promotion of k from L2 to L1 with no reader waiting (for example, the
\* prefetcher warming an L2 entry).  L3 -> L1 promotion is not a step of
\* its own: it is an async read, FillStart / PrefetchStart.
Promote(k) ==
    /\ l1[k] = None
    /\ l2[k] # None
    /\ l1' = [l1 EXCEPT ![k] = l2[k]]
    /\ l2' = [l2 EXCEPT ![k] = None]
    /\ lastRead' = NoRead
    /\ UNCHANGED <<ver, store, epoch, l3, fill>>

\* A capacity victim moves down one tier: an L1 victim to L2, or an L2
\* victim to L3.  L3 takes the version only if its record for k is older
\* (a live entry or a tombstone at the same or a newer version wins).
Demote(k) ==
    /\ \/ /\ l1[k] # None
          /\ l2' = [l2 EXCEPT ![k] = l1[k]]
          /\ l1' = [l1 EXCEPT ![k] = None]
          /\ UNCHANGED l3
       \/ /\ l2[k] # None
          /\ l3' = IF l3[k] = None \/ l3[k].ver < l2[k]
                       THEN [l3 EXCEPT ![k] = [ver |-> l2[k], live |-> TRUE]]
                       ELSE l3
          /\ l2' = [l2 EXCEPT ![k] = None]
          /\ UNCHANGED l1
    /\ lastRead' = NoRead
    /\ UNCHANGED <<ver, store, epoch, fill>>

\* A tier drops k for capacity, without demoting it: L1, L2, or L3's live
\* entry (the backing store still has the value, so nothing acknowledged is
\* lost; a later read reloads it).  L3's index keeps a tombstone at the
\* evicted version, as it does for every removal, so that no copy of that
\* version or an older one is written back to L3 later.
Evict(k) ==
    /\ \/ /\ l1[k] # None
          /\ l1' = [l1 EXCEPT ![k] = None]
          /\ UNCHANGED <<l2, l3>>
       \/ /\ l2[k] # None
          /\ l2' = [l2 EXCEPT ![k] = None]
          /\ UNCHANGED <<l1, l3>>
       \/ /\ InL3(k)
          /\ l3' = [l3 EXCEPT ![k].live = FALSE]
          /\ UNCHANGED <<l1, l2>>
    /\ lastRead' = NoRead
    /\ UNCHANGED <<ver, store, epoch, fill>>

\* An acknowledged invalidate of k.  It draws the next version, deletes k
\* from the backing store (as the user's delete path does), removes k from
\* L1 and L2, and leaves a durable tombstone at the new version in L3 so
\* that no older version can be written back there.  The bumped epoch makes
\* every fill of k in flight stale.
Invalidate(k) ==
    /\ ver < MaxVersion
    /\ ver' = ver + 1
    /\ store' = [store EXCEPT ![k] = None]
    /\ epoch' = [epoch EXCEPT ![k] = ver + 1]
    /\ l1' = [l1 EXCEPT ![k] = None]
    /\ l2' = [l2 EXCEPT ![k] = None]
    /\ l3' = [l3 EXCEPT ![k] = [ver |-> ver + 1, live |-> FALSE]]
    /\ lastRead' = NoRead
    /\ UNCHANGED fill

\* The process dies and restarts: L1, L2 and every in-flight record are
\* lost; L3 (durable) and the backing store survive, and so does the version
\* counter (the implementation must recover it at least as high as every
\* version it ever drew, including ones whose L3 entry was since evicted).
Crash ==
    /\ l1' = [k \in Keys |-> None]
    /\ l2' = [k \in Keys |-> None]
    /\ fill' = [k \in Keys |-> None]
    /\ lastRead' = NoRead
    /\ UNCHANGED <<ver, store, epoch, l3>>

Next ==
    \/ \E k \in Keys :
        \/ Read(k)
        \/ Put(k)
        \/ FillStart(k)
        \/ FillComplete(k)
        \/ PrefetchStart(k)
        \/ PrefetchComplete(k)
        \/ Promote(k)
        \/ Demote(k)
        \/ Evict(k)
        \/ Invalidate(k)
    \/ Crash

Spec == Init /\ [][Next]_vars

-----------------------------------------------------------------------------
(***************************************************************************)
(* Invariants.                                                             *)
(***************************************************************************)

\* A cache may forget, never lie: a read completed in this step returned the
\* newest acknowledged version of its key (the store's, which is None after
\* an Invalidate) or a miss.
NoStaleRead ==
    lastRead # NoRead => lastRead.val = None \/ lastRead.val = store[lastRead.key]

\* No tier holds a version of k that a later Put or Invalidate of k
\* superseded: every version held is at least k's epoch, the version drawn
\* by the last Put or Invalidate of k.  This is what the epoch check in
\* FillComplete and PrefetchComplete protects.
NoResurrection ==
    \A k \in Keys :
        /\ l1[k] # None => l1[k] >= epoch[k]
        /\ l2[k] # None => l2[k] >= epoch[k]
        /\ InL3(k) => l3[k].ver >= epoch[k]

\* Every version a tier holds was acknowledged for that key and is not
\* newer than the newest acknowledged one: nothing is held for a key whose
\* newest acknowledged state is "deleted", and no tier runs ahead of the
\* store.
TierVersionsNotNewerThanAck ==
    \A k \in Keys :
        /\ l1[k] # None => store[k] # None /\ l1[k] <= store[k]
        /\ l2[k] # None => store[k] # None /\ l2[k] <= store[k]
        /\ InL3(k) => store[k] # None /\ l3[k].ver <= store[k]

\* An in-flight record's token is an epoch k really had, and what it will
\* return was acknowledged no later than that epoch.
FillTokensValid ==
    \A k \in Keys :
        fill[k] # None =>
            /\ fill[k].token <= epoch[k]
            /\ fill[k].val # None => fill[k].val <= fill[k].token
=============================================================================
