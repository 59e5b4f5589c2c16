------------------------------ MODULE ActionForms ------------------------------
(* Action forms processed structurally: \A over an action (a conjunction of *)
(* its instances: the first assigns y', the second tests it), => (the       *)
(* right side acts only when the left holds), IF and CASE choosing actions. *)
(* From (x, y) = (0, 0): x counts 0..3, y' = 1 always, so states are (0,0),  *)
(* (1,1), (2,1), (3,1); every state has exactly one successor except (3,1),  *)
(* which steps to itself through Wrap: 4 distinct, 1 + 4 = 5 generated, 4   *)
(* levels.                                                                 *)
EXTENDS Naturals

VARIABLES x, y

Init == x = 0 /\ y = 0

Step == /\ \A i \in 1..2 : y' = 1
        /\ x < 3 => x' = x + 1
        /\ IF x < 3 THEN TRUE ELSE x' = x

Wrap == CASE x = 3 -> UNCHANGED <<x, y>>
          [] OTHER -> FALSE

Next == (x < 3 /\ Step) \/ Wrap

Spec == Init /\ [][Next]_<<x, y>>

TypeOK == x \in 0..3 /\ y \in 0..1
=============================================================================
