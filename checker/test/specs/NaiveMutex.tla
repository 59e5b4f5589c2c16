------------------------------ MODULE NaiveMutex ------------------------------
(* Two processes guard a critical section with a flag, but test the flag    *)
(* and set it in two separate steps.  Both can pass the test before either  *)
(* sets the flag: idle,idle -> ready,idle -> ready,ready -> crit,ready ->   *)
(* crit,crit is the shortest violation of Mutex (5 states).                 *)
EXTENDS Naturals

VARIABLES pc, flag

vars == <<pc, flag>>

Procs == {1, 2}

Init == /\ pc = [p \in Procs |-> "idle"]
        /\ flag = FALSE

Test(p) == /\ pc[p] = "idle"
           /\ ~flag
           /\ pc' = [pc EXCEPT ![p] = "ready"]
           /\ UNCHANGED flag

Enter(p) == /\ pc[p] = "ready"
            /\ flag' = TRUE
            /\ pc' = [pc EXCEPT ![p] = "crit"]

Exit(p) == /\ pc[p] = "crit"
           /\ flag' = FALSE
           /\ pc' = [pc EXCEPT ![p] = "idle"]

Next == \E p \in Procs : Test(p) \/ Enter(p) \/ Exit(p)

Spec == Init /\ [][Next]_vars

Mutex == ~(pc[1] = "crit" /\ pc[2] = "crit")
=============================================================================
