/* 70b000000008_topo_08.c - revision 8 of 50 of the topo_chain fixture (topo_chain.h). */
#include "topo_chain.h"

VHOST_REVISION("70b000000008", "70b000000007", "topo 8");
TOPO_BODY(8)
