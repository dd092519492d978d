/* 70b000000004_topo_04.c - revision 4 of 50 of the topo_chain fixture (topo_chain.h). */
#include "topo_chain.h"

VHOST_REVISION("70b000000004", "70b000000003", "topo 4");
TOPO_BODY(4)
