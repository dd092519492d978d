/* 70b000000022_topo_22.c - revision 22 of 50 of the topo_chain fixture (topo_chain.h). */
#include "topo_chain.h"

VHOST_REVISION("70b000000022", "70b000000021", "topo 22");
TOPO_BODY(22)
