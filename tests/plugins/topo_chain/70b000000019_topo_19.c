/* 70b000000019_topo_19.c - revision 19 of 50 of the topo_chain fixture (topo_chain.h). */
#include "topo_chain.h"

VHOST_REVISION("70b000000019", "70b000000018", "topo 19");
TOPO_BODY(19)
