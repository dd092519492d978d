/* 70b000000050_topo_50.c - revision 50 of 50 of the topo_chain fixture (topo_chain.h). */
#include "topo_chain.h"

VHOST_REVISION("70b000000050", "70b000000049", "topo 50");
TOPO_BODY(50)
