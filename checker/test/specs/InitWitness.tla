------------------------------ MODULE InitWitness ------------------------------
(* The initial predicate follows the same counting rule as actions: a \E   *)
(* before x is assigned yields one initial state per witness (InitEarly: 3 *)
(* witnesses x 2 values = 6 generated), after it is a plain test (InitLate: *)
(* 2 generated).  Either way 2 distinct states, each stepping to itself:    *)
(* generated = 6 + 2 = 8 and 2 + 2 = 4, depth 1.                           *)
EXTENDS Naturals

VARIABLE x

InitEarly == /\ \E i \in 1..3 : i > 0
             /\ x \in 1..2

InitLate == /\ x \in 1..2
            /\ \E i \in 1..3 : i > 0

Stay == x' = x
=============================================================================
