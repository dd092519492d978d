/* 70b000000003_topo_03.c - revision 3 of 50 of the topo_chain fixture (topo_chain.h). */
#include "topo_chain.h"

VHOST_REVISION("70b000000003", "70b000000002", "topo 3");
TOPO_BODY(3)
