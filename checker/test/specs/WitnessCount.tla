----------------------------- MODULE WitnessCount -----------------------------
(* How TLC counts generated states when an action has several witnesses.   *)
(* While some variable is unassigned, \E is enumerated: each witness is a   *)
(* successor of its own (duplicates are counted as generated).  Once every  *)
(* variable is assigned, TLC evaluates the remaining conjuncts as plain     *)
(* booleans, so a later \E yields one successor.  States x = 0..4, CHECK_   *)
(* DEADLOCK FALSE; generated = 1 + 3 (x=0) + 3 (x=1) + 1 (x=2) + 1 (x=3)   *)
(* = 9, distinct 5, depth 5.                                               *)
EXTENDS Naturals

VARIABLE x

Init == x = 0

Early == /\ x < 2
         /\ \E i \in 1..3 : i > 0
         /\ x' = x + 1

Late == /\ x >= 2
        /\ x < 4
        /\ x' = x + 1
        /\ \E i \in 1..3 : i > 0

Next == Early \/ Late

Spec == Init /\ [][Next]_x
=============================================================================
