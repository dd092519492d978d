/* 70b000000012_topo_12.c - revision 12 of 50 of the topo_chain fixture (topo_chain.h). */
#include "topo_chain.h"

VHOST_REVISION("70b000000012", "70b000000011", "topo 12");
TOPO_BODY(12)
