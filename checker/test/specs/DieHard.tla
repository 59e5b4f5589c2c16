------------------------------- MODULE DieHard -------------------------------
(* The jug puzzle from Die Hard 3: a 3-gallon and a 5-gallon jug, a tap and  *)
(* a drain.  NotFour claims the big jug never holds 4 gallons; the shortest *)
(* way to get 4 gallons takes 6 steps (7 states), so it is violated there.  *)
EXTENDS Naturals

VARIABLES small, big

vars == <<small, big>>

Min(a, b) == IF a < b THEN a ELSE b

Init == /\ small = 0
        /\ big = 0

FillSmall == /\ small' = 3
             /\ big' = big

FillBig == /\ big' = 5
           /\ small' = small

EmptySmall == /\ small' = 0
              /\ big' = big

EmptyBig == /\ big' = 0
            /\ small' = small

SmallToBig == LET poured == Min(small, 5 - big)
              IN  /\ big' = big + poured
                  /\ small' = small - poured

BigToSmall == LET poured == Min(big, 3 - small)
              IN  /\ small' = small + poured
                  /\ big' = big - poured

Next == \/ FillSmall \/ FillBig
        \/ EmptySmall \/ EmptyBig
        \/ SmallToBig \/ BigToSmall

Spec == Init /\ [][Next]_vars

TypeOK == /\ small \in 0..3
          /\ big \in 0..5

NotFour == big # 4
=============================================================================
