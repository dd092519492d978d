/* 70b000000037_topo_37.c - revision 37 of 50 of the topo_chain fixture (topo_chain.h). */
#include "topo_chain.h"

VHOST_REVISION("70b000000037", "70b000000036", "topo 37");
TOPO_BODY(37)
