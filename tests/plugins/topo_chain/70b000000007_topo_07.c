/* 70b000000007_topo_07.c - revision 7 of 50 of the topo_chain fixture (topo_chain.h). */
#include "topo_chain.h"

VHOST_REVISION("70b000000007", "70b000000006", "topo 7");
TOPO_BODY(7)
