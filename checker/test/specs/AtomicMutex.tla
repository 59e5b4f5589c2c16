------------------------------ MODULE AtomicMutex ------------------------------
(* The fixed mutex: test-and-set in one step.  Three states are reachable:  *)
(* both idle (two successors), or one process in the critical section (one *)
(* successor each): 3 distinct, 1 + 2 + 1 + 1 = 5 generated, 2 levels.      *)
EXTENDS Naturals

VARIABLES pc, flag

vars == <<pc, flag>>

Procs == {1, 2}

Init == /\ pc = [p \in Procs |-> "idle"]
        /\ flag = FALSE

Acquire(p) == /\ pc[p] = "idle"
              /\ ~flag
              /\ flag' = TRUE
              /\ pc' = [pc EXCEPT ![p] = "crit"]

Release(p) == /\ pc[p] = "crit"
              /\ flag' = FALSE
              /\ pc' = [pc EXCEPT ![p] = "idle"]

Next == \E p \in Procs : Acquire(p) \/ Release(p)

Spec == Init /\ [][Next]_vars

Mutex == ~(pc[1] = "crit" /\ pc[2] = "crit")
=============================================================================
