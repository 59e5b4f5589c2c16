------------------------------- MODULE Counter -------------------------------
(* A counter that counts 0, 1, ..., N and wraps back to 0.  Every state has  *)
(* exactly one successor, so there are N + 1 states, 1 + (N + 1) generated   *)
(* states (the initial one plus one successor per state), N + 1 levels.     *)
EXTENDS Naturals

CONSTANT N

VARIABLE x

Init == x = 0

Next == x' = IF x < N THEN x + 1 ELSE 0

Stop == /\ x < N
        /\ x' = x + 1

Spec == Init /\ [][Next]_x

InRange == x \in 0..N
=============================================================================
