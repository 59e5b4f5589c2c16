------------------------------ MODULE MCCounter ------------------------------
(* A TLC-style model module: extends Counter (next to it) and defines the  *)
(* constant's value, substituted by the cfg with N <- MCN.  N = 3 gives 4   *)
(* states, 5 generated, 4 levels.                                          *)
EXTENDS Counter

MCN == 1 + 2
=============================================================================
