------------------------------ MODULE Subscripts ------------------------------
(* [A]_v (A or a stutter on v), <<A>>_v (A that changes v) and a labelled  *)
(* conjunct inside Next.  x in 0..2, y in 0..1: 6 states.  With x < 2 a     *)
(* state has 3 successors (A, the stutter, B), with x = 2 it has 2: 4 * 3 + *)
(* 2 * 2 + 1 initial = 17 generated; levels {00} {10,01} {20,11} {21}: 4.  *)
EXTENDS Naturals

VARIABLES x, y

Init == x = 0 /\ y = 0

A == x < 2 /\ x' = x + 1 /\ y' = y

B == flip:: y' = 1 - y /\ x' = x

Next == [A]_<<x, y>> \/ <<B>>_y
=============================================================================
