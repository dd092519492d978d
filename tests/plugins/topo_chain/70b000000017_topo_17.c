/* 70b000000017_topo_17.c - revision 17 of 50 of the topo_chain fixture (topo_chain.h). */
#include "topo_chain.h"

VHOST_REVISION("70b000000017", "70b000000016", "topo 17");
TOPO_BODY(17)
