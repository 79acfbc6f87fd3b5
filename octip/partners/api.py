from ninja import Router, Schema

router = Router(tags=["me"])


class MeOut(Schema):
    email: str
    full_name: str
    organization: dict
    role: str
    scope: str
    permissions: list[str]


@router.get("/me", response=MeOut)
def me(request):
    """Who the caller is: email, organization, role and record scope."""
    user = request.auth
    role = user.role_def
    return {
        "email": user.email,
        "full_name": user.full_name,
        "organization": {"id": user.organization_id, "name": user.organization.name,
                         "type": user.organization.type},
        "role": user.role,
        "scope": role.scope.value if role else "",
        "permissions": sorted(role.permissions) if role else [],
    }
