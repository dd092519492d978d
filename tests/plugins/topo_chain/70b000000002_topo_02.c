/* 70b000000002_topo_02.c - revision 2 of 50 of the topo_chain fixture (topo_chain.h). */
#include "topo_chain.h"

VHOST_REVISION("70b000000002", "70b000000001", "topo 2");
TOPO_BODY(2)
