/* 70b000000018_topo_18.c - revision 18 of 50 of the topo_chain fixture (topo_chain.h). */
#include "topo_chain.h"

VHOST_REVISION("70b000000018", "70b000000017", "topo 18");
TOPO_BODY(18)
