/* 70b000000049_topo_49.c - revision 49 of 50 of the topo_chain fixture (topo_chain.h). */
#include "topo_chain.h"

VHOST_REVISION("70b000000049", "70b000000048", "topo 49");
TOPO_BODY(49)
