/* SPDX-License-Identifier: MIT */
/* simdquad-bench peers: the comparisons with GSL (bench/peers.c). */
#ifndef SQ_PEERS_H
#define SQ_PEERS_H

/* Run with the arguments after "peers"; returns the exit status. */
int bench_peers(int argc, char **argv);

#endif
