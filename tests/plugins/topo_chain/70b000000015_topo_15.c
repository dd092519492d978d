/* 70b000000015_topo_15.c - revision 15 of 50 of the topo_chain fixture (topo_chain.h). */
#include "topo_chain.h"

VHOST_REVISION("70b000000015", "70b000000014", "topo 15");
TOPO_BODY(15)
