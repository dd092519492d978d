/* 70b000000031_topo_31.c - revision 31 of 50 of the topo_chain fixture (topo_chain.h). */
#include "topo_chain.h"

VHOST_REVISION("70b000000031", "70b000000030", "topo 31");
TOPO_BODY(31)
