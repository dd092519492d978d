/* 70b000000006_topo_06.c - revision 6 of 50 of the topo_chain fixture (topo_chain.h). */
#include "topo_chain.h"

VHOST_REVISION("70b000000006", "70b000000005", "topo 6");
TOPO_BODY(6)
