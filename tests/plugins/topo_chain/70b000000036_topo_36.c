/* 70b000000036_topo_36.c - revision 36 of 50 of the topo_chain fixture (topo_chain.h). */
#include "topo_chain.h"

VHOST_REVISION("70b000000036", "70b000000035", "topo 36");
TOPO_BODY(36)
